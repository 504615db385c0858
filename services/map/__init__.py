"""The map: GeoJSON per view from pluggable layers, tiles and coordinate systems, geocoding, distances."""
