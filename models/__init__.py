"""peewee tables, one module per aggregate; `base` holds the database proxy and base model."""
