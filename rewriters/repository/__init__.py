"""Facts read across a whole repository, and the passes that look at more than one file."""
