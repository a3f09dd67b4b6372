import { z } from 'zod';

// Tolerant readers: a field of the wrong type reads as absent instead of failing the whole
// body, because a download must not fail over a field it does not need.
const text = z.string().optional().catch(undefined);

const dateTime = z
  .string()
  .optional()
  .catch(undefined)
  .transform((value) => {
    if (value === undefined) return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  });

const link = z.looseObject({ href: text, rel: text }).catch({});
const links = z.array(link).optional().catch(undefined).transform((value) => value ?? []);

/** Fields both restore-job shapes share, read tolerantly. Built once, at module load. */
export const restoreJobFields = {
  id: text,
  projectId: text,
  snapshotId: text,
  status: text,
  deliveryType: text,
  snapshotUrl: text,
  expirationDate: dateTime,
  restoreScheduledDate: dateTime,
  restoreFinishedDate: dateTime,
  snapshotFinishedDate: dateTime,
  targetProjectId: text,
  targetDeploymentItemName: text,
  links,
};

/** The shared fields, as read. */
export type RestoreJobFields = z.output<z.ZodObject<typeof restoreJobFields>>;

/** `TenantRestore`, tolerant: unknown fields are allowed (and kept in `raw` by the caller). */
export const tenantRestoreSchema = z.looseObject({ ...restoreJobFields, clusterName: text });

/** `FlexBackupRestoreJob20241113`, tolerant. */
export const flexRestoreJobSchema = z.looseObject({ ...restoreJobFields, instanceName: text });
