"""Bundles: a search's page with its self/next/previous links, and $everything's set."""

from urllib.parse import urlencode

from django.http import QueryDict
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from fhir_api.mappings.common import base_url


def _entry(resource: FHIRAbstractModel) -> BundleEntry:
    return BundleEntry(
        fullUrl=f"{base_url()}/{resource.get_resource_type()}/{resource.id}",
        resource=resource,
        search=BundleEntrySearch(mode="match"),
    )


def _page_url(path: str, query: QueryDict, offset: int, count: int) -> str:
    params = [
        (k, v) for k, values in query.lists() if k not in ("_offset", "_count") for v in values
    ]
    params += [("_count", str(count)), ("_offset", str(offset))]
    return f"{base_url()}{path}?{urlencode(params)}"


def searchset(
    *,
    path: str,
    query: QueryDict,
    resources: list[FHIRAbstractModel],
    total: int,
    offset: int,
    count: int,
) -> Bundle:
    links = [BundleLink(relation="self", url=_page_url(path, query, offset, count))]
    if count and offset + count < total:
        links.append(BundleLink(relation="next", url=_page_url(path, query, offset + count, count)))
    if count and offset > 0:
        previous = max(0, offset - count)
        links.append(BundleLink(relation="previous", url=_page_url(path, query, previous, count)))
    return Bundle(
        type="searchset",
        total=total,
        link=links,
        entry=[_entry(r) for r in resources] or None,
    )
