// Reference data anyone may read, and the admin changes to it: each audited with who, when and why, and each
// taking effect for cases filed afterwards.
import { addCalendarDays, cstDate, cstDayOfWeek } from '../../domain/calendar';
import { as, DEMO_USERS, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const anon = (url: string) => s.app.inject({ method: 'GET', url });
const send = async (
  method: 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload: object,
  user: 'admin' | 'community1' = 'admin',
) => {
  const token = (
    await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user, password: 'redsteward' },
    })
  ).json().token;
  return s.app.inject({
    method,
    url,
    payload,
    headers: { authorization: `Bearer ${token}`, 'x-request-id': `admin-${Date.now()}` },
  });
};
const auditFor = async (entity: string, entityId: string) =>
  (
    await s.pool.query(
      'SELECT actor_user_id, action, reason, before, after, request_id, at FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id',
      [entity, entityId],
    )
  ).rows;

describe('reference data, readable without signing in', () => {
  test('categories in display order', async () => {
    const res = await anon('/api/v1/categories');
    expect(res.statusCode).toBe(200);
    const codes = res.json().items.map((c: { code: string }) => c.code);
    expect(codes.slice(0, 3)).toEqual(['fire_safety', 'lift', 'leak']);
    expect(res.json().items.find((c: { code: string }) => c.code === 'illegal_construction')).toEqual({
      code: 'illegal_construction',
      nameZh: '违章搭建',
      nameEn: 'Illegal construction',
      tier: 'complex',
      defaultHandlerKind: 'functional_department',
      ownerDepartmentId: 'dept-urban',
      icon: 'hammer',
      active: true,
      sort: 110,
      sharedFacility: false,
    });
  });

  test('the organisation tree runs department → street → community → grid', async () => {
    const roots = (await anon('/api/v1/organizations')).json().items as Array<{
      id: string;
      children: Array<{ id: string; children: Array<{ id: string; children: Array<{ id: string }> }> }>;
    }>;
    const orgDept = roots.find((r) => r.id === 'org-dept');
    const huxi = orgDept?.children.find((c) => c.id === 'street-huxi');
    const jinji = huxi?.children.find((c) => c.id === 'comm-jinji');
    expect(jinji?.children.map((c) => c.id)).toEqual(
      expect.arrayContaining(['grid-jinji-1', 'grid-jinji-2', 'oc-demo-fast', 'ra-jinji-volunteers']),
    );
    // Companies and departments stand outside the Party tree; departments name who supervises them.
    expect(roots.map((r) => r.id)).toEqual(expect.arrayContaining(['pc-demo-fast', 'dept-urban']));
    expect(roots.find((r) => r.id === 'dept-urban')).toMatchObject({
      kind: 'functional_department',
      supervisedBy: 'org-dept',
      children: [],
    });
  });

  test('compounds by community and agreements by compound, every version', async () => {
    expect(
      (await anon('/api/v1/compounds?community=comm-jinji')).json().items.map((c: { code: string }) => c.code),
    ).toEqual(['demo-fast', 'lakeview']);
    const versions = (await anon('/api/v1/agreements?compound=xinghai-garden')).json().items;
    expect(
      versions.map((a: { id: string; validFrom: string; validTo: string | null }) => [a.id, a.validFrom, a.validTo]),
    ).toEqual([
      ['agr-xinghai-garden-v1', '2023-01-01', '2025-01-01'],
      ['agr-xinghai-garden-v2', '2025-01-01', null],
    ]);
  });
});

describe('administration', () => {
  test('only an admin may change reference data', async () => {
    const res = await send('PATCH', '/api/v1/admin/categories/lift', { sort: 1, reason: '调整顺序' }, 'community1');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.forbidden');
    expect(await auditFor('category', 'lift')).toEqual([]);
  });

  test('every change needs a reason', async () => {
    const res = await send('PATCH', '/api/v1/admin/categories/lift', { sort: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'reason', issue: '必填' }]);
  });

  test('changing a category is audited with who, why, before and after', async () => {
    const res = await send('PATCH', '/api/v1/admin/categories/lift', {
      sort: 5,
      nameEn: 'Lift out of service',
      reason: '电梯问题置顶',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: 'lift', sort: 5, nameEn: 'Lift out of service', nameZh: '电梯故障' });
    const [entry] = await auditFor('category', 'lift');
    expect(entry).toMatchObject({
      actor_user_id: DEMO_USERS.admin,
      action: 'category.update',
      reason: '电梯问题置顶',
      before: { sort: 20, nameEn: 'Lift breakdown' },
      after: { sort: 5, nameEn: 'Lift out of service' },
      request_id: expect.stringMatching(/^admin-/),
    });
    expect((await send('PATCH', '/api/v1/admin/categories/no-such', { sort: 1, reason: '测试' })).statusCode).toBe(404);
  });

  test('a new category is created, then replaced; a department category must name a department', async () => {
    const body = {
      nameZh: '高空抛物',
      nameEn: 'Objects thrown from height',
      tier: 'general',
      defaultHandlerKind: 'property_company',
      ownerDepartmentId: 'dept-urban',
      reason: '新增类别',
    };
    expect((await send('PUT', '/api/v1/admin/categories/thrown_objects', body)).statusCode).toBe(201);
    expect((await send('PUT', '/api/v1/admin/categories/thrown_objects', { ...body, sort: 85 })).statusCode).toBe(200);
    expect((await auditFor('category', 'thrown_objects')).map((e) => e.action)).toEqual([
      'category.create',
      'category.replace',
    ]);
    const noDept = await send('PUT', '/api/v1/admin/categories/bad_one', {
      ...body,
      defaultHandlerKind: 'functional_department',
      ownerDepartmentId: null,
    });
    expect(noDept.json().error.details[0].path).toBe('ownerDepartmentId');
    const notDept = await send('PUT', '/api/v1/admin/categories/bad_one', {
      ...body,
      ownerDepartmentId: 'pc-lakeview',
    });
    expect(notDept.json().error.details[0].path).toBe('ownerDepartmentId');
    expect((await anon('/api/v1/categories')).json().items.map((c: { code: string }) => c.code)).not.toContain(
      'bad_one',
    );
  });

  test('revising an agreement makes a new version that new cases run under', async () => {
    const today = cstDate(Date.now());
    const res = await send('PATCH', '/api/v1/admin/agreements/agr-lakeview-v1', {
      terms: { reworkLimit: 2, reminderPoints: [0.5, 0.8] },
      reason: '业主大会通过新协议',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      id: 'agr-lakeview-v2',
      version: 2,
      validFrom: today,
      validTo: null,
      terms: { reworkLimit: 2, reminderPoints: [0.5, 0.8], weights: { satisfaction: 0.4 } },
    });
    const versions = (await anon('/api/v1/agreements?compound=lakeview')).json().items;
    expect(versions.map((a: { id: string; validTo: string | null }) => [a.id, a.validTo])).toEqual([
      ['agr-lakeview-v1', today],
      ['agr-lakeview-v2', null],
    ]);
    expect(await auditFor('agreement', 'agr-lakeview-v2')).toEqual([
      expect.objectContaining({ action: 'agreement.revise', reason: '业主大会通过新协议' }),
    ]);

    const filed = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
    const { rows } = await s.pool.query(`SELECT intake->'terms' AS terms FROM cases WHERE id = $1`, [
      filed.json().caseId,
    ]);
    expect(rows[0].terms).toMatchObject({ agreementId: 'agr-lakeview-v2', reworkLimit: 2, reminderPoints: [0.5, 0.8] });

    const retroactive = await send('PATCH', '/api/v1/admin/agreements/agr-lakeview-v2', {
      terms: {},
      validFrom: '2020-01-01',
      reason: '追溯',
    });
    expect(retroactive.json().error.details[0].path).toBe('validFrom');
  });

  test('a calendar override is set, changed, read, removed, each audited, and new cases count with it', async () => {
    let day = addCalendarDays(cstDate(Date.now()), 20);
    while (cstDayOfWeek(day) === 0 || cstDayOfWeek(day) === 6) day = addCalendarDays(day, 1);
    const url = `/api/v1/admin/calendar-overrides/${day}`;
    expect((await send('PUT', url, { kind: 'workday', reason: '先设为工作日' })).statusCode).toBe(201);
    expect((await send('PUT', url, { kind: 'holiday', note: '临时放假', reason: '区政府通知' })).statusCode).toBe(200);
    expect((await anon(`/api/v1/calendar-overrides?from=${day}&to=${day}`)).json().items).toEqual([
      { date: day, kind: 'holiday', note: '临时放假' },
    ]);

    const filed = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
    const { rows } = await s.pool.query(`SELECT intake->'calendar'->'holidays' AS holidays FROM cases WHERE id = $1`, [
      filed.json().caseId,
    ]);
    expect(rows[0].holidays).toContain(day);

    expect((await send('DELETE', url, { reason: '通知撤回' })).statusCode).toBe(200);
    expect((await send('DELETE', url, { reason: '再删一次' })).statusCode).toBe(404);
    expect((await auditFor('calendar_override', day)).map((e) => [e.action, e.reason])).toEqual([
      ['calendar_override.set', '先设为工作日'],
      ['calendar_override.set', '区政府通知'],
      ['calendar_override.delete', '通知撤回'],
    ]);
    expect(
      (
        await send('PUT', '/api/v1/admin/calendar-overrides/2026-02-30', { kind: 'holiday', reason: '不存在的日子' })
      ).json().error.details[0].path,
    ).toBe('date');
  });
});
