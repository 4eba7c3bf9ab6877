"""Billing schema: users, accounts, memberships, subscriptions, invoices and their lines.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.persistence.columns

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("invoice_prefix", sa.String(length=32), nullable=True),
        sa.Column("last_invoice_sequence", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("invoice_prefix", name=op.f("uq_accounts_invoice_prefix")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("ADMIN", "MEMBER", name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_memberships_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "account_id", name=op.f("pk_memberships")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_account_id"), ["account_id"], unique=False)

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "plan_code",
            sa.Enum(
                "OMNICHANNEL",
                "WHATSAPP_BUSINESS",
                "INSTAGRAM",
                "SLACK",
                name="plancode",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("TRIALING", "ACTIVE", name="subscriptionstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "subscribed_at", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "trial_ends_at", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "current_period_start",
            services.persistence.columns.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "current_period_end",
            services.persistence.columns.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("billing_anchor_day", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_subscriptions_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint(
            "account_id", "plan_code", name=op.f("uq_subscriptions_account_id_plan_code")
        ),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=48), nullable=False),
        sa.Column(
            "issued_at", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "period_start", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "period_end", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("total", services.persistence.columns.Cents(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_invoices_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_invoices_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint(
            "subscription_id", "period_start", name=op.f("uq_invoices_subscription_id_period_start")
        ),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_account_newest", ["account_id", "issued_at", "id"], unique=False
        )

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("RECURRING", "PRORATION", name="invoicelinekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", services.persistence.columns.Cents(), nullable=False),
        sa.Column(
            "period_start", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "period_end", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "created_at", services.persistence.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_invoice_lines_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            "ix_invoice_lines_pending", ["subscription_id", "invoice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_lines_pending")
        batch_op.drop_index(batch_op.f("ix_invoice_lines_invoice_id"))

    op.drop_table("invoice_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_account_newest")

    op.drop_table("invoices")
    op.drop_table("subscriptions")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_account_id"))

    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("accounts")
