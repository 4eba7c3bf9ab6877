"""`make bench`: how fast the GraphQL server answers the dashboard's operations, next to
two floors (the same bytes, the same SQL) measured in the same run. See bench/README.md."""
