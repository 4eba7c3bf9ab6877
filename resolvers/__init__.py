"""Thin resolvers: read the arguments and the request context, call one service,
return the domain values it gives."""
