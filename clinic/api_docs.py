"""The API's Swagger page, served under the same strict CSP as every other page.

drf-spectacular's default Swagger view inlines its start-up script and a <style> block, which
`script-src 'self'` and `style-src 'self'` rightly refuse (the page was blank). The split
view serves the start-up script from its own URL; our template swaps the inline style for a
static stylesheet. Swagger UI's files come from drf-spectacular-sidecar's static files.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"
    title = "Stride API"
