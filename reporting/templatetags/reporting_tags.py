"""Small template helpers for report pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    """Return mapping[key], or an empty string."""
    return mapping.get(key, "")
