"""Forms of the continuity reports and the funding imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from funding.models import ContinuityReport
from portal import uploads
from portal.submissions import OncePerSubmissionForm


class ReportRequestForm(OncePerSubmissionForm, forms.ModelForm):
    class Meta:
        model = ContinuityReport
        fields = ["year", "baseline_year", "language"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("year") and cleaned.get("baseline_year") and cleaned["baseline_year"] >= cleaned["year"]:
            self.add_error("baseline_year", gettext_lazy("The baseline year must be before the year."))
        return cleaned


class ImportForm(OncePerSubmissionForm, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy("Columns as in the instructions; the first row is the header."),
    )

    def clean_file(self) -> UploadedFile:
        file = self.cleaned_data["file"]
        if uploads.extension_of(file.name) not in ("csv", "xlsx"):
            raise forms.ValidationError(gettext_lazy("Give a CSV or XLSX file."), code="file_type")
        return file
