from enum import Enum

import strawberry

from schema.errors import field_of
from services.errors import Reason, Refused

UserErrorCode = strawberry.enum(
    Enum("UserErrorCode", {reason.name: reason.value for reason in Reason}),
    description="Why a mutation was refused.",
)


@strawberry.type(description="Why a mutation was refused; nothing was written.")
class UserError:
    code: UserErrorCode
    message: str
    field: list[str] | None = strawberry.field(
        description='Path to the input, e.g. ["input", "quantity"].'
    )

    @classmethod
    def of(cls, refusal: Refused, within: tuple[str, ...]) -> "UserError":
        return cls(
            code=UserErrorCode(refusal.reason.value),
            message=refusal.message,
            field=field_of(refusal, within),
        )
