// Command-line flags generated from the core hparams schema: one flag per field (--batch-size, --lr, …),
// its help text and default from the schema, values parsed and validated by the same zod types.
import { Hparams, type HparamsInput } from '@lth/core';
import { InvalidArgumentError, Option, type Command } from 'commander';

interface ZodLike {
  description?: string;
  def: { type: string; innerType?: ZodLike; defaultValue?: unknown; entries?: Record<string, string>; element?: ZodLike };
  options?: readonly string[];
}

export interface FieldInfo {
  section: string;
  field: string;
  flag: string;
  description: string;
  type: string;
  defaultValue: unknown;
  choices?: string[];
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function hparamFields(): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const [section, sectionSchema] of Object.entries(Hparams.shape)) {
    const inner = (sectionSchema as unknown as ZodLike).def.innerType as unknown as { shape: Record<string, ZodLike> };
    for (const [field, schema] of Object.entries(inner.shape)) {
      const base = schema.def.type === 'default' ? schema.def.innerType! : schema;
      const choices = base.options ? [...base.options] : undefined;
      out.push({
        section,
        field,
        flag: `--${kebab(field)}`,
        description: schema.description ?? field,
        type: base.def.type,
        defaultValue: schema.def.defaultValue,
        ...(choices ? { choices } : {}),
      });
    }
  }
  return out;
}

function parser(f: FieldInfo): (value: string) => unknown {
  return (value: string) => {
    if (f.type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
      return n;
    }
    if (f.type === 'array')
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    return value;
  };
}

/** Add every hparams field as an option (no defaults set here: absent flags leave preset values alone). */
export function addHparamOptions(cmd: Command): Command {
  for (const f of hparamFields()) {
    const shown = Array.isArray(f.defaultValue) ? (f.defaultValue as unknown[]).join(',') || 'none' : String(f.defaultValue);
    if (f.type === 'boolean') {
      cmd.addOption(new Option(f.flag, `${f.description} (default: ${shown})`));
      cmd.addOption(new Option(`--no-${kebab(f.field)}`, `turn off ${f.flag}`).hideHelp());
      continue;
    }
    const opt = new Option(`${f.flag} <value>`, `${f.description} (default: ${shown})`).argParser(parser(f));
    if (f.choices) opt.choices(f.choices);
    cmd.addOption(opt);
  }
  return cmd;
}

/** Collect the hparams overrides present on the command line into a nested partial hparams object. */
export function hparamOverrides(opts: Record<string, unknown>): HparamsInput {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of hparamFields()) {
    const v = opts[f.field];
    if (v === undefined) continue;
    (out[f.section] ??= {})[f.field] = v;
  }
  return out as HparamsInput;
}
