"""Forms organisers use: inviting participants and writing the report."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Region

from .models import Invitation


class InvitationForm(forms.ModelForm):
    account = forms.CharField(
        label=_("Account (username)"),
        required=False,
        max_length=150,
        help_text=_(
            "Optional: an existing account, so the participant can answer after signing "
            "in instead of using the personal link."
        ),
    )

    class Meta:
        model = Invitation
        fields = ["name", "email", "organisation", "region"]

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["organisation"].queryset = Organisation.objects.select_related("country")
        self.fields["region"].queryset = Region.objects.select_related("country")

    def clean_account(self):
        username = self.cleaned_data["account"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this username."))
        if Invitation.objects.filter(event=self.event, user=user).exists():
            raise forms.ValidationError(_("This account is already invited to this event."))
        return user

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and Invitation.objects.filter(event=self.event, email__iexact=email).exists():
            raise forms.ValidationError(_("Someone with this email is already invited."))
        return email

    def save(self, commit=True):
        invitation = super().save(commit=False)
        invitation.event = self.event
        invitation.user = self.cleaned_data.get("account")
        if commit:
            invitation.save()
        return invitation


class ReportForm(forms.Form):
    synthesis = forms.CharField(
        label=_("Synthesis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: headings (##), lists, emphasis and links."),
    )
    quotes = forms.MultipleChoiceField(
        label=_("Answers to quote"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, quotable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quotes"].choices = [(key, key) for key in quotable]
        self.fields["quotes"].error_messages["invalid_choice"] = _(
            "One of the selected answers no longer exists; reload the page and select again."
        )
