"""The demo organisation (`python app.py --demo`) and its believable month of activity."""
