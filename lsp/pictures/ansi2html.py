#!/usr/bin/env python3
"""Turns a `tmux capture-pane -e -p` screen into an HTML page that looks like a terminal window.

Usage: ansi2html.py TITLE BG FG [COL ROW block|bar] < screen.ansi > screen.html

Only what tmux emits is handled: SGR colours (16, 256 and 24-bit), bold, italic, underline
(straight or curly, with its colour) and reverse. BG and FG are the terminal's default
colours: cells that the editor left at "default" get them, so pass the colorscheme's Normal.
capture-pane leaves the cursor out; COL ROW (0-based, from tmux's cursor_x and cursor_y) and
its shape draw it back.
"""
import html
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# xterm's 16 colours, for the few places that do not use 24-bit colour.
BASIC = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
         "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]


def color256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (level, level, level)


def extended(params):
    """Reads `2;r;g;b` or `5;n` (after a 38/48/58) from params; returns (colour, rest)."""
    if params and params[0] == 2 and len(params) >= 4:
        return "#%02x%02x%02x" % tuple(params[1:4]), params[4:]
    if params and params[0] == 5 and len(params) >= 2:
        return color256(params[1]), params[2:]
    return None, params[1:]


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = self.ul_color = None
        self.bold = self.italic = self.reverse = False
        self.underline = None  # None, "solid" or "wavy"

    def apply(self, code):
        # tmux writes the curly underline as `4:3`; colons separate sub-parameters.
        if code == "4:3":
            self.underline = "wavy"
            return
        params = [int(p or 0) for p in re.split("[;:]", code)] if code else [0]
        while params:
            p, params = params[0], params[1:]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 3:
                self.italic = True
            elif p == 4:
                self.underline = "solid"
            elif p == 7:
                self.reverse = True
            elif p == 22:
                self.bold = False
            elif p == 23:
                self.italic = False
            elif p == 24:
                self.underline = None
            elif p == 27:
                self.reverse = False
            elif 30 <= p <= 37 or 90 <= p <= 97:
                self.fg = BASIC[p - 30 if p < 90 else p - 82]
            elif 40 <= p <= 47 or 100 <= p <= 107:
                self.bg = BASIC[p - 40 if p < 100 else p - 92]
            elif p in (38, 48, 58):
                colour, params = extended(params)
                setattr(self, {38: "fg", 48: "bg", 58: "ul_color"}[p], colour)
            elif p == 39:
                self.fg = None
            elif p == 49:
                self.bg = None
            elif p == 59:
                self.ul_color = None

    def css(self, default_bg, default_fg):
        fg, bg = self.fg or default_fg, self.bg or default_bg
        if self.reverse:
            fg, bg = bg, fg
        rules = []
        if fg != default_fg:
            rules.append("color:" + fg)
        if bg != default_bg:
            rules.append("background:" + bg)
        if self.bold:
            rules.append("font-weight:bold")
        if self.italic:
            rules.append("font-style:italic")
        if self.underline:
            rules.append("text-decoration:underline %s %s" % (self.underline, self.ul_color or fg))
        return ";".join(rules)


def convert(lines, default_bg, default_fg, cursor=None):
    style, out = Style(), []
    for row, line in enumerate(lines):
        parts, pos, col = [], 0, 0
        for match in list(SGR.finditer(line)) + [None]:
            end = match.start() if match else len(line)
            text = line[pos:end]
            if text:
                css = style.css(default_bg, default_fg)
                # Every character on these screens is one cell wide, so columns count characters.
                at = cursor[0] - col if cursor and cursor[1] == row else -1
                if 0 <= at < len(text):
                    text = "%s<span class=\"cursor-%s\">%s</span>%s" % (
                        html.escape(text[:at]), cursor[2], html.escape(text[at]), html.escape(text[at + 1:]))
                else:
                    text = html.escape(text)
                col += len(line[pos:end])
                parts.append('<span style="%s">%s</span>' % (css, text) if css else text)
            if match:
                style.apply(match.group(1))
                pos = match.end()
        out.append("".join(parts))
    return "\n".join(out)


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
  html, body {{ margin: 0; background: #1b1b22; }}
  .window {{ display: inline-block; margin: 14px; border-radius: 8px; overflow: hidden;
             box-shadow: 0 4px 14px rgba(0,0,0,.6); border: 1px solid #45454f; }}
  .bar {{ background: #2d2d36; color: #c8c8d0; font: 13px sans-serif; height: 28px;
          line-height: 28px; text-align: center; position: relative; }}
  .dots {{ position: absolute; left: 12px; top: 9px; }}
  .dots i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
             margin-right: 6px; }}
  pre {{ margin: 0; padding: 6px 8px; background: {bg}; color: {fg};
         font: 13px/16px "DejaVu Sans Mono", monospace; }}
  .cursor-block {{ background: #e8e8e8; color: #202020; }}
  .cursor-bar {{ box-shadow: inset 2px 0 #e8e8e8; }}
</style></head><body><div class="window">
<div class="bar"><span class="dots"><i style="background:#ff5f57"></i><i style="background:#febc2e"></i><i style="background:#28c840"></i></span>{title}</div>
<pre>{screen}</pre>
</div></body></html>
"""

if __name__ == "__main__":
    title, bg, fg = sys.argv[1:4]
    cursor = (int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]) if len(sys.argv) > 6 else None
    screen = convert(sys.stdin.read().rstrip("\n").split("\n"), bg, fg, cursor)
    sys.stdout.write(PAGE.format(title=html.escape(title), bg=bg, fg=fg, screen=screen))
