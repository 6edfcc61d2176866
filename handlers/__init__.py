"""HTTP handlers, one module per feature; each exports `default_handlers` for the route table."""
