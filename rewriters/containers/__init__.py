"""Containers: Dockerfiles, compose files, dev containers and the image tags they name."""
