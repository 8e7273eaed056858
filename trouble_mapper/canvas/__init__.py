"""The trouble map: a QGraphicsScene drawn from the workshop document, edited through the service."""
