import { describe, expect, it } from 'vitest';
import { html, raw } from '../../src/ui/html.js';

describe('the UI html template', () => {
  it('escapes every interpolated text, including quotes inside attributes', () => {
    const name = `<script>alert("x")</script>' onmouseover='y`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y</p>',
    );
  });

  it('keeps nested templates and raw markup as they are, joins lists, and drops null, undefined and false', () => {
    // Called through another name, so the formatter leaves the markup as written.
    const template = html;
    const items = ['a&b', 'c'].map((s) => template`<li>${s}</li>`);
    const out = template`<ul>${items}</ul>${null}${undefined}${false}${raw('<hr>')}${0}`;
    expect(out.text).toBe('<ul><li>a&amp;b</li><li>c</li></ul><hr>0');
  });
});
