"""Small, dependency-light helpers shared by every layer."""
