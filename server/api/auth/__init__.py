"""Staff authentication for the API: the token signing secret and access tokens (the accounts and their
passwords are a service, `server.services.staff`)."""
