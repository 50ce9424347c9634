"""惩戒措施: maintainers keep the discipline-measure catalog here, through services.credit.discipline."""

from __future__ import annotations

from starlette_admin import BooleanField, DateTimeField, EnumField, StringField, TextAreaField

from admin_ui.upsert_view import UpsertView
from models import DisciplineMeasure
from models.enums import ListingKind
from services.credit.discipline import MeasureInput, upsert_discipline_measure
from services.platform.labels import choices


class DisciplineMeasureView(UpsertView):
    model = DisciplineMeasure
    form = MeasureInput
    upsert = upsert_discipline_measure
    fields = [
        StringField("code", label="措施代码", help_text="2–32 位字母、数字、点、下划线或连字符，如 YZ-ZFCG"),
        StringField("name", label="惩戒措施"),
        EnumField("listing_kind", label="适用名录", choices=choices(ListingKind)),
        TextAreaField("legal_basis", label="法律依据", exclude_from_list=True),
        StringField("applied_by", label="实施部门"),
        BooleanField("active", label="在用", help_text="停用的措施保留在目录中，但不再出现在惩戒结论里"),
        DateTimeField("updated_at", label="最近修改", exclude_from_create=True, exclude_from_edit=True),
    ]
    searchable_fields = ["code", "name", "listing_kind", "applied_by", "active"]
    sortable_fields = ["code", "name", "listing_kind"]
    page_size = 25
    icon, display_name, menu_label = "fa fa-gavel", "惩戒措施", "惩戒措施"
