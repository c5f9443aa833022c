"""A SuccessFactors simulator: the HR system the integration talks to in tests and demos."""
