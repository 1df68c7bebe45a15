"""Input serializers refuse what they do not know, so a misspelt field is an error, not silently lost."""

from typing import Any

from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """A request body with only the documented fields; any other field is named in a 400."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not part of this request."] for name in unknown}
                )
        return super().to_internal_value(data)
