"""Input serializers that refuse what they do not know, so a mistake is named, not silently changed."""

from typing import Any

from rest_framework import serializers

# JSON types each field takes. DRF would otherwise turn 0 into "0", "yes" into True and "5" into 5.
_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "Send true or false."),
    (serializers.IntegerField, (int,), "Send a whole number."),
    (serializers.CharField, (str,), "Send text."),
    (serializers.ChoiceField, (str,), "Send one of the listed values, as text."),
    (serializers.DictField, (dict,), "Send an object."),
]


class StrictSerializer(serializers.Serializer):
    """A request body with only the documented fields, each of its documented JSON type."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = {
                name: ["This field is not part of this request."] for name in sorted(set(data) - set(self.fields))
            }
            for name, field in self.fields.items():
                value = data.get(name)
                if value is None:
                    continue
                for field_type, json_types, message in _JSON_TYPES:
                    # bool is an int in Python; a number field must not take true.
                    if isinstance(field, field_type) and (
                        not isinstance(value, json_types) or (json_types == (int,) and isinstance(value, bool))
                    ):
                        errors[name] = [message]
                        break
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
