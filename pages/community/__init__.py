"""The community's public side: the public board, service points, service posts."""
