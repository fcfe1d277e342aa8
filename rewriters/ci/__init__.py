"""CI systems: one engine for every system's YAML, and one small module per system saying what is
its own."""
