"""The domain: one module per feature. Services own transactions, permission and scope checks,
audit entries and calls to Redis and WeChat; handlers only parse input and write output."""
