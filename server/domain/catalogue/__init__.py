"""The catalogue coming in and going out: the shapes every importer produces and every exporter reads
(server/domain/catalogue/shapes.py), whatever the file's format."""
