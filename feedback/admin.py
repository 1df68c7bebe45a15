"""Admin for statements: metadata only, so the admin is not a back door to children's words."""

from django import forms
from django.contrib import admin

from accounts.admin import ChildRecordReadsLogged
from feedback.models import SafeguardingPhrase, Statement
from feedback.safeguarding import PhraseSyntaxError, phrase_pattern


@admin.register(Statement)
class StatementAdmin(ChildRecordReadsLogged):
    list_display = ("id", "child", "category", "channel", "on_behalf", "created_at", "read_at")
    list_filter = ("category", "channel", "on_behalf")
    fields = ("child", "category", "channel", "author", "on_behalf", "routed_to", "review", "created_at", "read_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SafeguardingPhraseForm(forms.ModelForm):
    class Meta:
        model = SafeguardingPhrase
        fields = ["phrase", "kind", "active"]

    def clean_phrase(self) -> str:
        phrase = self.cleaned_data["phrase"].strip()
        try:
            phrase_pattern(phrase)
        except PhraseSyntaxError as error:
            raise forms.ValidationError(str(error)) from error
        return phrase


@admin.register(SafeguardingPhrase)
class SafeguardingPhraseAdmin(admin.ModelAdmin):
    """The council's list of words that make a statement urgent; a phrase that cannot be read is refused."""

    form = SafeguardingPhraseForm
    list_display = ("phrase", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("phrase",)
