"""NiceGUI pages; importing a module registers its routes."""
