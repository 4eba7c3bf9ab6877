"""Who the demo data's users are (SPEC §8), by the names the tests use."""

ADA = "ada@acme.test"  # admin of Acme Support and Acme Labs
MAX = "max@acme.test"  # member of Acme Support: reads, changes nothing
GUS = "gus@globex.test"  # admin of Globex

ACME_SUPPORT = "Acme Support"
ACME_LABS = "Acme Labs"
GLOBEX = "Globex"
