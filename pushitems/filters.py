import django_filters
from django import forms
from django.db.models import Q, QuerySet

from .models import DATA_TYPES, PushItem, PushStatus


class PushItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": "Core id, parent id or data type"}),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=PushStatus.choices, label="Status", widget=forms.CheckboxSelectMultiple
    )
    data_type = django_filters.ChoiceFilter(
        choices=[(data_type, data_type) for data_type in DATA_TYPES],
        label="Data type",
        empty_label="Any data type",
    )

    class Meta:
        model = PushItem
        fields = ["q", "status", "data_type"]

    def search(self, queryset: QuerySet[PushItem], name: str, value: str) -> QuerySet[PushItem]:
        return queryset.filter(
            Q(core_id__istartswith=value)
            | Q(parent_core_id__istartswith=value)
            | Q(data_type__istartswith=value)
        )
