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
</TS>
