def page_not_found(request, exception=None):  # placeholder
    from django.http import HttpResponseNotFound
    return HttpResponseNotFound()
