"""HTTP faces: one sub-package per public API, each only translating HTTP to service calls."""
