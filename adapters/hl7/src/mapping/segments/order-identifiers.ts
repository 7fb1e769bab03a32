/**
 * The identifiers of an order (V2-to-FHIR IG "Segment ORC to ServiceRequest Map" rows ORC-2/3/4,
 * "Segment OBR to ServiceRequest Map" rows OBR-2/3: placer → type PLAC, filler → type FILL,
 * placer group → requisition type PGN; OBR and ORC carry the same numbers, OBR wins).
 * Accession number decision (README "accession number"): IPC-1 when the message has an IPC
 * segment (OMI/OML imaging orders, where IHE Radiology puts it), else OBR-18 (placer field 1,
 * the IHE Scheduled Workflow ORM^O01 carrier), as type ACSN in `config.accessionSystem`; OBR-3 is
 * the filler order number and stays FILL only, since one order may produce several accessions.
 */
import type { Identifier } from '@medplum/fhirtypes';
import type { MappingContext } from '../context';
import { identifierType } from '../datatypes/cx';
import { mapEi } from '../datatypes/ei';
import type { OrderGroup } from '../messages/groups';
import { firstRepetition, value } from '../values';

/** An order's identifiers. */
export interface OrderIdentifiers {
  readonly placer: Identifier | undefined;
  readonly filler: Identifier | undefined;
  readonly accession: Identifier | undefined;
  readonly group: Identifier | undefined;
}

function ei(
  ctx: MappingContext,
  order: OrderGroup,
  obrField: number,
  orcField: number,
  kind: 'placer-order' | 'filler-order' | 'placer-group',
  type: string,
): Identifier | undefined {
  const fromObr = order.obr === undefined ? undefined : firstRepetition(order.obr.segment, obrField);
  const fromOrc = order.orc === undefined ? undefined : firstRepetition(order.orc.segment, orcField);
  return mapEi(fromObr, ctx.config, kind, type) ?? mapEi(fromOrc, ctx.config, kind, type);
}

/**
 * Reads an order's identifiers.
 * @param ctx - mapping context
 * @param order - the order group
 * @returns placer, filler, accession and placer group identifiers
 */
export function orderIdentifiers(ctx: MappingContext, order: OrderGroup): OrderIdentifiers {
  const accessionValue =
    (order.ipc === undefined ? undefined : value(order.ipc.segment, 1)) ??
    (order.obr === undefined ? undefined : value(order.obr.segment, 18));
  return {
    placer: ei(ctx, order, 2, 2, 'placer-order', 'PLAC'),
    filler: ei(ctx, order, 3, 3, 'filler-order', 'FILL'),
    accession:
      accessionValue === undefined
        ? undefined
        : { type: identifierType('ACSN'), system: ctx.config.accessionSystem, value: accessionValue },
    group:
      order.orc === undefined
        ? undefined
        : mapEi(firstRepetition(order.orc.segment, 4), ctx.config, 'placer-group', 'PGN'),
  };
}

/**
 * The identifier an order is matched by: placer, else filler.
 * @param ids - the order's identifiers
 * @returns the key, or undefined when the order has neither number
 */
export function orderKey(ids: OrderIdentifiers): Identifier | undefined {
  return ids.placer ?? ids.filler;
}
