"""The bundled demonstration: a federation of councils elects, recalls and purges itself."""
