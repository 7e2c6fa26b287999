<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>Palsar2Plugin</name>
    <message>
        <source>PALSAR-2 disaster data</source>
        <translation>PALSAR-2 災害関連データ</translation>
    </message>
</context>
<context>
    <name>Palsar2Provider</name>
    <message>
        <source>An algorithm could not be loaded: {}</source>
        <translation>アルゴリズムを読み込めませんでした: {}</translation>
    </message>
</context>
<context>
    <name>Palsar2Algorithm</name>
    <message>
        <source>Find and download data</source>
        <translation>データの検索とダウンロード</translation>
    </message>
    <message>
        <source>Read products</source>
        <translation>プロダクトの読み込み</translation>
    </message>
    <message>
        <source>Terrain correction</source>
        <translation>斜面勾配補正 (RTC)</translation>
    </message>
    <message>
        <source>Load and analyse</source>
        <translation>読み込みと解析</translation>
    </message>
    <message>
        <source>Disaster events</source>
        <translation>災害関連データ</translation>
    </message>
</context>
<context>
    <name>EventDock</name>
    <message>
        <source>PALSAR-2 disaster data</source>
        <translation>PALSAR-2 災害関連データ</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>災害</translation>
    </message>
    <message>
        <source>Observation date</source>
        <translation>観測日</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>パス</translation>
    </message>
    <message>
        <source>Frame</source>
        <translation>フレーム</translation>
    </message>
    <message>
        <source>Beam</source>
        <translation>ビーム</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>観測モード</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>北行/南行</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>プロダクト</translation>
    </message>
    <message>
        <source>Archive date</source>
        <translation>アーカイブデータ観測日</translation>
    </message>
    <message>
        <source>Polarisation</source>
        <translation>偏波</translation>
    </message>
    <message>
        <source>ScanSAR</source>
        <translation>広域観測モード (ScanSAR)</translation>
    </message>
    <message>
        <source>Stripmap</source>
        <translation>高分解能モード (Stripmap)</translation>
    </message>
    <message>
        <source>Ascending</source>
        <translation>北行 (Asc)</translation>
    </message>
    <message>
        <source>Descending</source>
        <translation>南行 (Desc)</translation>
    </message>
    <message>
        <source>&amp;Event:</source>
        <translation>災害(&amp;E):</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>すべての災害</translation>
    </message>
    <message>
        <source>Show the scenes of one disaster event, or of all events</source>
        <translation>一つの災害、またはすべての災害のシーンを表示します</translation>
    </message>
    <message>
        <source>&amp;Filter:</source>
        <translation>絞り込み(&amp;F):</translation>
    </message>
    <message>
        <source>Date, path, frame, beam, L1.1, Asc/Desc…</source>
        <translation>観測日、パス、フレーム、ビーム、L1.1、Asc/Desc…</translation>
    </message>
    <message>
        <source>Show only the scenes that contain every word typed here</source>
        <translation>ここに入力したすべての語を含むシーンだけを表示します</translation>
    </message>
    <message>
        <source>Disaster-event scenes</source>
        <translation>災害関連データのシーン</translation>
    </message>
    <message>
        <source>Scene details</source>
        <translation>シーンの詳細</translation>
    </message>
    <message>
        <source>Sea&amp;rch</source>
        <translation>検索(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>ダウンロード(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Load</source>
        <translation>読み込み(&amp;L)</translation>
    </message>
    <message>
        <source>Search the catalogue for this scene</source>
        <translation>このシーンをカタログで検索します</translation>
    </message>
    <message>
        <source>Download the scene and its archive (pre-event) scene</source>
        <translation>シーンとそのアーカイブデータ(発災前)をダウンロードします</translation>
    </message>
    <message>
        <source>Load the downloaded scene into the map</source>
        <translation>ダウンロードしたシーンを地図に読み込みます</translation>
    </message>
    <message>
        <source>Terms of use</source>
        <translation>利用条件</translation>
    </message>
    <message>
        <source>{shown} of {total} scenes</source>
        <translation>{total} シーン中 {shown} シーンを表示</translation>
    </message>
    <message>
        <source>Select a scene to see its archive (pre-event) scene and notes.</source>
        <translation>シーンを選択すると、アーカイブデータ(発災前)と注記が表示されます。</translation>
    </message>
    <message>
        <source>Terms</source>
        <translation>利用条件</translation>
    </message>
    <message>
        <source>Right-looking</source>
        <translation>右観測</translation>
    </message>
    <message>
        <source>Left-looking</source>
        <translation>左観測</translation>
    </message>
    <message>
        <source>look side not stated</source>
        <translation>観測方向の記載なし</translation>
    </message>
    <message>
        <source>Not stated</source>
        <translation>記載なし</translation>
    </message>
    <message>
        <source>Archive (pre-event) scene</source>
        <translation>アーカイブデータ (発災前)</translation>
    </message>
    <message>
        <source>Distribution</source>
        <translation>提供元</translation>
    </message>
    <message>
        <source>Scene</source>
        <translation>シーン</translation>
    </message>
    <message>
        <source>Archive scene</source>
        <translation>アーカイブシーン</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>{} files (+{} archive files)</source>
        <translation>{} ファイル (+ アーカイブ {} ファイル)</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>注記</translation>
    </message>
    <message>
        <source>The disaster-event list could not be loaded.</source>
        <translation>災害関連データの一覧を読み込めませんでした。</translation>
    </message>
</context>
<context>
    <name>EventScenesAlgorithm</name>
    <message>
        <source>Disaster-event scene list</source>
        <translation>災害関連データのシーン一覧</translation>
    </message>
    <message>
        <source>disaster</source>
        <translation>災害</translation>
    </message>
    <message>
        <source>earthquake</source>
        <translation>地震</translation>
    </message>
    <message>
        <source>event</source>
        <translation>イベント</translation>
    </message>
    <message>
        <source>scene list</source>
        <translation>シーン一覧</translation>
    </message>
    <message>
        <source>Taiwan</source>
        <translation>台湾</translation>
    </message>
    <message>
        <source>Noto</source>
        <translation>能登</translation>
    </message>
    <message>
        <source>Turkey</source>
        <translation>トルコ</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>すべての災害</translation>
    </message>
    <message>
        <source>2024 Taiwan earthquake (taiwan2024)</source>
        <translation>2024年4月3日 台湾地震 (taiwan2024)</translation>
    </message>
    <message>
        <source>2024 Noto Peninsula earthquake (noto2024)</source>
        <translation>令和6年(2024年)能登半島地震 (noto2024)</translation>
    </message>
    <message>
        <source>2023 Turkey-Syria earthquake (turkey2023)</source>
        <translation>2023年トルコ地震 (turkey2023)</translation>
    </message>
    <message>
        <source>Disaster event</source>
        <translation>災害</translation>
    </message>
    <message>
        <source>Which event's scenes to list: 0 = all, 1 = taiwan2024, 2 = noto2024, 3 = turkey2023.</source>
        <translation>一覧にする災害: 0 = すべて、1 = taiwan2024、2 = noto2024、3 = turkey2023。</translation>
    </message>
    <message>
        <source>Event scenes</source>
        <translation>災害関連データのシーン</translation>
    </message>
    <message>
        <source>The scene table (no geometry when no footprint is known).</source>
        <translation>シーンの表 (観測範囲(フットプリント)が不明な場合はジオメトリなし)。</translation>
    </message>
    <message>
        <source>Number of scenes</source>
        <translation>シーン数</translation>
    </message>
    <message>
        <source>EVENT must be 0 to {}.</source>
        <translation>EVENT は 0 から {} の値にしてください。</translation>
    </message>
    <message>
        <source>Could not write scene {} to the output.</source>
        <translation>シーン {} を出力に書き込めませんでした。</translation>
    </message>
    <message>
        <source>{} scenes listed. Data provided by JAXA.</source>
        <translation>{} シーンを出力しました。提供:JAXA</translation>
    </message>
</context>
</TS>
