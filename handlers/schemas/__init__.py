"""Request and response models of the /api contract, one module per feature (XCreate / XUpdate /
XOut families). Handlers declare them with `handlers.contract.api`; see docs/api.md."""
