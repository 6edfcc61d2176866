// The API reference at /api/docs: Swagger UI over /api/openapi.json (vendored, no CDN).
(function () {
  var el = document.getElementById('api-docs');
  window.ui = SwaggerUIBundle({
    url: el.getAttribute('data-spec-url'),
    dom_id: '#api-docs',
    deepLinking: true,
    docExpansion: 'none',
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
  });
})();
