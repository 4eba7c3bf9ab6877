from enum import Enum

import strawberry

from services.errors import USER_ERROR_CODES, DomainError

UserErrorCode = strawberry.enum(
    Enum("UserErrorCode", {code.name: code.value for code in USER_ERROR_CODES}),
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
    def of(cls, error: DomainError) -> "UserError":
        return cls(
            code=UserErrorCode(error.code.value),
            message=error.message,
            field=list(error.field) if error.field else None,
        )


def user_errors(error: DomainError) -> list[UserError]:
    """A refusal as the payload's errors; one that is not a user error (a malformed
    request) is raised on as a GraphQL error."""
    if error.code.value not in UserErrorCode.__members__:
        raise error
    return [UserError.of(error)]
