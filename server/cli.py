"""The CLI subcommands other than run; each takes the AppEnv and the parsed arguments."""
import getpass

from server.migrate import migrate as apply_migrations


async def migrate(env, args):
    applied = await apply_migrations()
    print("数据库已是最新" if not applied else f"已应用 {len(applied)} 个迁移")
    return 0


async def audit_verify(env, args):
    """Verify the keyed chain; compare with the anchor of the last good run (so deleting the newest
    entries is caught), then write the new anchor. Exit 0 ok, 1 broken, 2 unusable anchor."""
    from services.audit_anchor import AnchorError, read_anchor, write_anchor
    from services.audit import verify_chain

    await apply_migrations(log=None)
    path = args.anchor or env.config.security.audit_anchor
    try:
        anchor = read_anchor(path, required=bool(args.anchor))
    except AnchorError as exc:
        print(f"审计日志校验失败：{exc}")
        return 2
    result = await verify_chain(anchor=anchor)
    if not result["ok"]:
        print(f"审计日志校验失败：第 {result['broken_at']} 条处断裂（{result['reason']}）；"
              f"此前 {result['checked']} 条完好")
        return 1
    write_anchor(path, result)
    legacy = f"（其中 {result['legacy']} 条为启用密钥前的 SHA-256 记录）" if result["legacy"] else ""
    since = f"，与锚点（第 {anchor['seq']} 条）一致" if anchor else "，首次校验"
    print(f"审计日志完整：共校验 {result['checked']} 条{legacy}，哈希链无断裂{since}；"
          f"锚点已写入 {path}")
    return 0


async def demo(env, args):
    from services.demo import load_demo, print_accounts

    await apply_migrations(log=None)
    accounts = await load_demo(env=env, force=args.force)
    print_accounts(accounts)
    return 0


async def create_admin(env, args):
    from services.admin_accounts import create_admin as create

    await apply_migrations(log=None)
    password = args.password or getpass.getpass("密码（至少 12 位）: ")
    result = await create(env=env, username=args.username, name=args.name, tier=args.tier,
                          unit_code=args.unit, password=password)
    print(f"已创建{result['role_name']}：用户名 {result['username']}，工号 {result['employee_no']}。"
          "首次登录管理后台时需绑定动态口令（TOTP）。")
    return 0


async def import_staff(env, args):
    from server.errors import ApiError
    from services.staff_import import import_file

    await apply_migrations(log=None)
    try:
        result = await import_file(env=env, path=args.file, unit_code=args.unit, actor=None)
    except ApiError as exc:
        print(f"导入失败：{exc.message}")
        for row in exc.fields.get("rows", []):
            print(f"  第 {row['row']} 行：{row['reason']}")
        return 1
    print(f"导入成功：共 {result['imported']} 人")
    return 0


async def rotate_keys(env, args):
    from services.key_rotation import rotate_keys as rotate

    await apply_migrations(log=None)
    changed = await rotate(env=env)
    print(f"已用当前密钥 {env.cipher.active} 重新加密 {changed} 条记录")
    return 0


async def backup(env, args):
    """A consistent, compressed, encrypted copy of every table and the uploads (server/backup.py)."""
    from server.backup import backup as write_backup

    await apply_migrations(log=None)
    result = await write_backup(env=env, path=args.file)
    rows = sum(result["tables"].values())
    print(f"备份完成：{args.file}（{len(result['tables'])} 张表、{rows} 行、{result['files']} 个上传文件；"
          f"以密钥 {env.cipher.active} 派生的密钥加密）")
    return 0


async def restore(env, args):
    """Bring a backup into an empty database (then run audit-verify against the kept anchor)."""
    from server.backup import BackupError, restore as read_backup

    try:
        result = await read_backup(env=env, path=args.file)
    except (BackupError, OSError) as exc:
        print(f"恢复失败：{exc}")
        return 1
    rows = sum(result["tables"].values())
    print(f"恢复完成：{result['created']} 的备份，{len(result['tables'])} 张表、{rows} 行、"
          f"{result['files']} 个上传文件。请运行 python -m server audit-verify --anchor <保存的锚点>")
    return 0
