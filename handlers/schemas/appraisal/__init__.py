"""Request and response models of /api/appraisal, one module per handler module."""
