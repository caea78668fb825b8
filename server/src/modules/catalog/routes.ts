import { route } from '../../http/route.js';
import { ZMaterial, ZMaterialParams, ZMaterialsQuery } from '../../../../shared/src/schemas/catalog.js';
import { ZPage } from '../../../../shared/src/schemas/common.js';
import { DISTRICTS } from '../../../../shared/src/districts.js';
import type { CatalogService } from './service.js';

export function catalogRoutes({ catalog }: { catalog: CatalogService }) {
  return [
    route({
      key: 'GET /catalog/materials',
      summary: 'Search the waste catalogue (stream, hazardous, text)',
      query: ZMaterialsQuery,
      response: ZPage(ZMaterial),
      handle: ({ query }) => catalog.listMaterials(query),
    }),
    route({
      key: 'GET /catalog/materials/:code',
      summary: 'One material with its edition, verification note and reference band',
      params: ZMaterialParams,
      response: ZMaterial,
      handle: ({ params }) => catalog.getMaterial(params.code),
    }),
    route({
      key: 'GET /catalog/districts',
      summary: "Shaoxing's districts (DESIGN §6.5)",
      handle: async () => ({ items: DISTRICTS, nextCursor: null }),
    }),
  ];
}
