"""Documentation: prose stating the supported minimum, the changelog entry, Read the Docs."""
