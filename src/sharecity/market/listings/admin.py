from django.contrib import admin

from sharecity.market.listings.models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ("term", "words", "note")
    search_fields = ("term", "note")
