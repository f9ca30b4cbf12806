"""Full-text search over published case studies: the only package that imports whoosh."""
