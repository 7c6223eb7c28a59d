import { describe, expect, it } from 'vitest';
import { child, MAX_XML_DEPTH, MAX_XML_ELEMENTS, parseXml, textAt } from './xml-reader.js';

describe('parseXml', () => {
  it('reads declaration, DOCTYPE with internal subset, comments, CDATA, entities and attributes', () => {
    const doc = parseXml(
      `\uFEFF<?xml version="1.0"?>\n<!DOCTYPE a SYSTEM "x.dtd" [ <!ENTITY e "v"> ]>\n<!-- c -->\n<a k='1' j="&lt;2&gt;"><b>x &amp; y &#65;&#x42;</b><c/><d><![CDATA[<raw>]]></d></a>\n`,
    );
    expect(doc.complete).toBe(true);
    expect(doc.error).toBeUndefined();
    expect(doc.root?.name).toBe('a');
    expect(doc.root?.attrs).toEqual({ k: '1', j: '<2>' });
    expect(textAt(doc.root, 'b')).toBe('x & y AB');
    expect(child(doc.root, 'c')?.children).toEqual([]);
    expect(textAt(doc.root, 'd')).toBe('<raw>');
  });

  it('keeps what it read when the input stops mid-element', () => {
    const doc = parseXml('<a><b>1</b><b>2</b><b>3');
    expect(doc.complete).toBe(false);
    expect(doc.root?.children.map((c) => c.text)).toEqual(['1', '2', '3']);
  });

  it('keeps what it read when the input stops inside a tag', () => {
    const doc = parseXml('<a><b>1</b><b attr="x');
    expect(doc.complete).toBe(false);
    expect(doc.root?.children).toHaveLength(1);
  });

  it('skips a stray closing tag and closes elements left open inside a closed one', () => {
    const doc = parseXml('<a><b><c>1</b></zzz><d>2</d></a>');
    expect(doc.complete).toBe(true);
    expect(doc.root?.children.map((c) => c.name)).toEqual(['b', 'd']);
  });

  it('says why garbage is not XML', () => {
    expect(parseXml('Failed to initialize NVML: Driver/library version mismatch').error).toMatch(/text before any element/);
    expect(parseXml('').error).toMatch(/no XML element/);
    expect(parseXml('<a>1</a><b/>').error).toMatch(/second document element/);
    expect(parseXml('< not a tag').error).toMatch(/not starting a tag/);
  });

  it('keeps no more than nvidia-smi ever prints: a flood of nested or empty elements is refused early, not held in memory', () => {
    const deep = parseXml(`<nvidia_smi_log>${'<a>'.repeat(1_000_000)}`);
    expect([deep.complete, deep.error]).toEqual([false, `elements nested more than ${MAX_XML_DEPTH} deep`]);
    const wide = parseXml(`<nvidia_smi_log>${'<a/>'.repeat(MAX_XML_ELEMENTS + 10)}</nvidia_smi_log>`);
    expect([wide.complete, wide.error]).toEqual([false, 'more than 500,000 elements']);
    // a real document's depth and size pass
    expect(parseXml(`<nvidia_smi_log>${'<gpu><fb_memory_usage><total>80 GiB</total></fb_memory_usage></gpu>'.repeat(64)}</nvidia_smi_log>`).complete).toBe(true);
  });
});
