import { beforeAll, expect, it } from 'vitest';
import { TENANT_RESTORE_READ_ONLY_FIELDS, TENANT_RESTORE_WRITABLE_FIELDS } from '../../src/model/legacy-shapes.js';
import { contractSuite, loadContract, type Json } from './contract.js';

contractSuite('the TenantRestore field lists', () => {
  let properties: Json;
  let required: string[];
  beforeAll(() => {
    const schema = loadContract().document.components.schemas.TenantRestore as Json;
    properties = schema.properties as Json;
    required = (schema.required as string[] | undefined) ?? [];
  });

  it('name every property of TenantRestore once, read-only exactly where the contract says so', () => {
    const readOnly = Object.keys(properties).filter((name) => properties[name].readOnly === true);
    const writable = Object.keys(properties).filter((name) => properties[name].readOnly !== true);
    expect([...TENANT_RESTORE_READ_ONLY_FIELDS].sort()).toEqual(readOnly.sort());
    expect([...TENANT_RESTORE_WRITABLE_FIELDS].sort()).toEqual(writable.sort());
  });

  it('hold every required field among the writable ones', () => {
    for (const name of required) expect(TENANT_RESTORE_WRITABLE_FIELDS).toContain(name);
  });
});
