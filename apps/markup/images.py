"""Images in what people write are shown as links, so opening an answer fetches nothing.

An image loads the moment someone opens the page it is on: an answer holding
a one-pixel image from another server would tell that server when each
facilitator or peer read it, and from where. So a Markdown image becomes a
link to the same address with its description as the link's text
(`![my chart](https://…)` reads as the link "my chart"; with no description,
the address is the text), and <img> is not among the tags the sanitiser
keeps, so an image written as raw HTML goes.

The parser reports where each image starts in the text (in bytes of UTF-8);
an image and a link differ only by the "!" in front, so dropping that
character turns one into the other, references and titles included.
"""

import re

import pyromark

# CommonMark lets a backslash escape any ASCII punctuation, so an address put in as link
# text reads as those characters and nothing else.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def images_as_links(text: str, parser: pyromark.Markdown) -> str:
    if "![" not in text:
        return text
    edits = []  # (byte offset, bytes to drop, bytes to put in)
    open_images = []  # [start, address, described] of each image being read, innermost last
    for event, span in parser.events_with_range(text):
        start = event.get("Start") if isinstance(event, dict) else None
        if isinstance(start, dict) and "Image" in start:
            open_images.append([span["start"], start["Image"]["dest_url"], False])
        elif open_images and event == {"End": "Image"}:
            begin, address, described = open_images.pop()
            edits.append((begin, 1, b""))
            if not described:
                # "![" has just lost its "!": the description goes after the "[".
                edits.append((begin + 2, 0, _PUNCTUATION.sub(r"\\\1", address).encode()))
        elif open_images and isinstance(event, dict) and ("Text" in event or "Code" in event):
            for image in open_images:
                image[2] = True
    if not edits:
        return text
    source, kept, last = text.encode(), [], 0
    for at, drop, insert in sorted(edits):
        kept += [source[last:at], insert]
        last = at + drop
    kept.append(source[last:])
    return b"".join(kept).decode()
