"""Staff authentication: password hashes, the token signing secret, access tokens and staff accounts."""
