"""HTTP plumbing shared by the three services' FastAPI apps."""
