from django import template

from apps.markup.links import web_link
from apps.markup.render import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter
def get_item(mapping, key):
    """Look up a key in a dict from a template, e.g. answers by prompt slug."""
    return mapping.get(key) if isinstance(mapping, dict) else None


register.filter("web_link", web_link)
